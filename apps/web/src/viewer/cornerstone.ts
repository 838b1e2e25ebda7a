import { getRenderingCapabilities, init as initCore, setUseCPURendering } from '@cornerstonejs/core';
import { init as initLoader } from '@cornerstonejs/dicom-image-loader';
import { addTool, init as initTools, LengthTool, PanTool, WindowLevelTool, ZoomTool } from '@cornerstonejs/tools';

let started = false;

/**
 * Starts Cornerstone3D once per page: rendering (on the CPU when the browser has no WebGL, or only a software
 * rasteriser, slower than the CPU path), the DICOM image loader with one decoding worker, and the tools the viewers
 * use.
 */
export function startCornerstone(): void {
  if (started) return;
  started = true;
  initCore();
  const caps = getRenderingCapabilities();
  if (!caps.webgl || caps.softwareRasterizer) setUseCPURendering(true);
  initLoader({ maxWebWorkers: 1 });
  initTools();
  for (const tool of [WindowLevelTool, ZoomTool, PanTool, LengthTool]) addTool(tool);
}
