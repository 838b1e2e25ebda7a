// dcmjs ships no types; this declares the small part of it the hub uses (its data dictionary, DICOM JSON → keywords).
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
  }
  const dcmjs: {
    data: {
      DicomMetaDictionary: {
        nameMap: Record<string, DictionaryEntry>;
        dictionary: Record<string, DictionaryEntry>;
        /** DICOM JSON (tag → { vr, Value }) to keyword → value, as dcmjs and dcmjs-dimse data sets hold it. */
        naturalizeDataset(dataset: Record<string, unknown>): Record<string, unknown>;
      };
    };
  };
  export default dcmjs;
}
