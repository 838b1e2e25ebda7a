// dcmjs ships no types; this is the one module of it we use.
declare module 'dcmjs/dictionary' {
  export interface DcmjsDictionaryEntry {
    tag: string;
    vr?: string;
    name?: string;
    vm?: string;
    version?: string;
  }
  export const dictionary: Readonly<Record<string, DcmjsDictionaryEntry | undefined>>;
  export default dictionary;
}
