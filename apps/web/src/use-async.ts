import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { errorMessage } from './format';

/** What a load gave: its value (undefined while it runs), or its error message. */
export interface Loaded<T> {
  value: T | undefined;
  error: string | null;
}

/**
 * What `load` resolves to (undefined while it runs), or its error message; runs again when `deps` change, and an
 * answer that arrives after they changed is dropped.
 */
export function useLoaded<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ value: undefined, error: null });
  useEffect(() => {
    let current = true;
    setState({ value: undefined, error: null });
    load().then(
      (value) => current && setState({ value, error: null }),
      (err: unknown) => current && setState({ value: undefined, error: errorMessage(err) }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return state;
}

/** A button's action: busy while it runs, its error message kept for an ErrorNote. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  run: (action: () => Promise<void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
