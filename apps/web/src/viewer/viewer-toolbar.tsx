import { useTranslation } from 'react-i18next';
import { PRIMARY_TOOLS, type PrimaryTool, type StackView } from './stack-controller';

/** Window/level presets in Hounsfield units (CT); on other modalities they are a starting point to drag from. */
export const WINDOW_PRESETS = {
  lung: { windowCenter: -600, windowWidth: 1500 },
  mediastinum: { windowCenter: 40, windowWidth: 400 },
  bone: { windowCenter: 400, windowWidth: 1800 },
  brain: { windowCenter: 40, windowWidth: 80 },
} as const;
export type WindowPreset = keyof typeof WINDOW_PRESETS;

interface Props {
  view: StackView | null;
  tool: PrimaryTool;
  onTool: (tool: PrimaryTool) => void;
  onGo: (index: number) => void;
  onPreset: (preset: WindowPreset) => void;
  onReset: () => void;
}

/** Scroll (buttons, slider, "i / n"), the left-button tool, window presets and reset. */
export function ViewerToolbar({ view, tool, onTool, onGo, onPreset, onReset }: Props) {
  const { t } = useTranslation();
  const index = view?.index ?? 0;
  const count = view?.count ?? 0;
  return (
    <div className="viewer-toolbar">
      <div className="viewer-group">
        <button type="button" aria-label={t('viewer.previous')} disabled={index <= 0} onClick={() => onGo(index - 1)}>
          ‹
        </button>
        <input
          type="range"
          aria-label={t('viewer.slider')}
          min={1}
          max={Math.max(1, count)}
          value={index + 1}
          disabled={count < 2}
          onChange={(e) => onGo(Number(e.target.value) - 1)}
        />
        <button
          type="button"
          aria-label={t('viewer.next')}
          disabled={index >= count - 1}
          onClick={() => onGo(index + 1)}
        >
          ›
        </button>
        <span data-testid="image-position" className="viewer-position">
          {view ? t('viewer.position', { i: index + 1, n: count }) : t('common.loading')}
        </span>
      </div>
      <div className="viewer-group" role="group" aria-label={t('viewer.tools')}>
        {(Object.keys(PRIMARY_TOOLS) as PrimaryTool[]).map((name) => (
          <button
            key={name}
            type="button"
            className={tool === name ? 'on' : 'secondary'}
            aria-pressed={tool === name}
            onClick={() => onTool(name)}
          >
            {t(`viewer.tool.${name}`)}
          </button>
        ))}
      </div>
      <div className="viewer-group">
        <select
          aria-label={t('viewer.presets')}
          value=""
          onChange={(e) => e.target.value && onPreset(e.target.value as WindowPreset)}
        >
          <option value="">{t('viewer.presets')}</option>
          {(Object.keys(WINDOW_PRESETS) as WindowPreset[]).map((p) => (
            <option key={p} value={p}>
              {t(`viewer.preset.${p}`)}
            </option>
          ))}
        </select>
        <button type="button" className="secondary" onClick={onReset}>
          {t('viewer.reset')}
        </button>
      </div>
    </div>
  );
}
