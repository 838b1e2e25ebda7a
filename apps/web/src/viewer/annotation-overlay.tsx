import type { MouseEvent } from 'react';
import type { Types } from '@cornerstonejs/core';

/** A note at an image pixel (column, row) of one instance / frame. */
export interface ImageMark {
  id: string;
  sopInstanceUid: string;
  /** 1-based; absent means frame 1. */
  frame?: number | undefined;
  points: { x: number; y: number }[];
  label?: string | undefined;
  /** A point being placed, not yet sent. */
  pending?: boolean;
}

interface Props {
  marks: ImageMark[];
  /** Where a mark's first point is on the element (null: not on this image). */
  locate: (mark: ImageMark) => Types.Point2 | null;
  /** While set, a click on the image picks a point (CSS pixels from the element's top left). */
  onPick?: ((at: Types.Point2) => void) | undefined;
}

/**
 * The room's annotations over the image, redrawn at their pixel coordinates after each render (so they follow zoom,
 * pan and scroll). An SVG above Cornerstone's own, so the viewer's tools keep the mouse unless a point is being picked.
 */
export function AnnotationOverlay({ marks, locate, onPick }: Props) {
  const click = (e: MouseEvent<SVGSVGElement>) => {
    if (!onPick) return;
    const box = e.currentTarget.getBoundingClientRect();
    onPick([e.clientX - box.left, e.clientY - box.top]);
  };
  return (
    <svg
      className={`viewer-overlay${onPick ? ' picking' : ''}`}
      data-testid="annotation-overlay"
      onClick={click}
      aria-hidden={!onPick}
    >
      {marks.map((mark) => {
        const at = locate(mark);
        if (!at) return null;
        const [x, y] = at;
        return (
          <g
            key={mark.id}
            data-testid={mark.pending ? 'annotation-pending' : 'annotation-marker'}
            className={mark.pending ? 'pending' : undefined}
          >
            <circle cx={x} cy={y} r={7} />
            <line x1={x - 11} y1={y} x2={x - 4} y2={y} />
            <line x1={x + 4} y1={y} x2={x + 11} y2={y} />
            {mark.label && (
              <text x={x + 12} y={y - 8}>
                {mark.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
