import type { ReactNode, RefObject } from 'react';

/**
 * The SVG of a chart, drawn in the pixels of its container (measured through `ref`) so that text keeps
 * its real size; `label` names the chart for screen readers.
 */
export function ChartFrame(props: {
  ref: RefObject<HTMLDivElement | null>;
  label: string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  return (
    <div ref={props.ref} className="w-full">
      <svg
        role="img"
        aria-label={props.label}
        viewBox={`0 0 ${props.width} ${props.height}`}
        width="100%"
        height={props.height}
        className="block overflow-visible"
      >
        {props.children}
      </svg>
    </div>
  );
}
