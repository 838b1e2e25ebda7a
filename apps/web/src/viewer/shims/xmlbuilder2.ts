/**
 * Stands in for xmlbuilder2, which vtk.js's XML mesh reader and writer import (Cornerstone loads them for surface
 * meshes). Its callback builder extends Node's EventEmitter, which does not exist in the browser, so the real module
 * breaks the bundle when it loads; the console's 2D stack viewer never reads or writes VTK XML.
 */
export function create(): never {
  throw new Error('VTK XML meshes are not supported in the console viewer');
}
