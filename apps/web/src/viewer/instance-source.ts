import { prefetchPart10Instance } from '@cornerstonejs/dicom-image-loader';
import { Enums as MetadataEnums, utilities as metadataUtilities } from '@cornerstonejs/metadata';
import type { ApiClient } from '../api/http';
import { firstPart } from '../api/multipart-related';
import { type ImageRef, instancePath } from './dicomweb-series';

const WADO_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

/**
 * Where a series' images come from. The hub's WADO-RS serves whole instances (no /frames yet), so each instance is
 * fetched once through the session's ApiClient (bearer token, refreshed as needed) and handed to Cornerstone's metadata
 * registry under its `wadors:` id; the loader then finds each frame's pixels there and never asks for /frames.
 */
export class InstanceSource {
  private readonly loaded = new Map<string, Promise<void>>();
  /** Every image id handed to Cornerstone: the registry caches derived modules under each. */
  private readonly imageIds = new Set<string>();
  private disposed = false;

  constructor(
    private readonly api: ApiClient,
    private readonly studyInstanceUid: string,
    private readonly seriesInstanceUid: string,
  ) {}

  /** The Cornerstone image id of one image: the instance's WADO-RS frame URL, as a DICOMweb viewer names it. */
  imageId(ref: ImageRef): string {
    const id = `${this.baseImageId(ref.sopInstanceUid)}/frames/${ref.frame}`;
    this.imageIds.add(id);
    return id;
  }

  /**
   * Removes what this source put into Cornerstone's (global) metadata registry: the instances (with their Part 10
   * buffers) and the modules derived from them. An instance still on its way is not registered once it arrives.
   */
  dispose(): void {
    this.disposed = true;
    const ids = [...[...this.loaded.keys()].map((sop) => this.baseImageId(sop)), ...this.imageIds];
    for (const id of ids) metadataUtilities.clearTypedCacheData(MetadataEnums.MetadataModules.NATURALIZED, id);
    this.loaded.clear();
    this.imageIds.clear();
  }

  /** Fetches the instance of `ref` unless it is already here (or on its way). */
  ensure(ref: ImageRef): Promise<void> {
    const sop = ref.sopInstanceUid;
    let done = this.loaded.get(sop);
    if (!done) {
      done = this.fetchInstance(sop).catch((err: unknown) => {
        this.loaded.delete(sop); // a later look may retry
        throw err;
      });
      this.loaded.set(sop, done);
    }
    return done;
  }

  private baseImageId(sopInstanceUid: string): string {
    const path = instancePath(this.studyInstanceUid, this.seriesInstanceUid, sopInstanceUid);
    return `wadors:${new URL(this.api.url(path), location.href).href}`;
  }

  private async fetchInstance(sopInstanceUid: string): Promise<void> {
    const path = instancePath(this.studyInstanceUid, this.seriesInstanceUid, sopInstanceUid);
    const blob = await this.api.getBlob(path, { accept: WADO_ACCEPT });
    const part10 = firstPart(new Uint8Array(await blob.arrayBuffer()));
    if (this.disposed) return;
    // The registry keeps the buffer: copy the part out of the multipart body so the rest can be freed.
    await prefetchPart10Instance(this.baseImageId(sopInstanceUid), part10.slice().buffer);
  }
}
