import { lazy } from 'react';

/** The viewer in its own chunk: Cornerstone3D is loaded only by pages that show images. */
export const LazyStudyViewer = lazy(() => import('./study-viewer').then((m) => ({ default: m.StudyViewer })));
