import type { ReactNode } from 'react';

/** Read-only facts as a description list in two columns from small screens up; `children` adds more items. */
export function DetailList(props: { items: [label: string, value: string][]; children?: ReactNode }) {
  return (
    <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
      {props.items.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="font-medium">{label}</dt>
          <dd className="break-words text-muted-foreground">{value}</dd>
        </div>
      ))}
      {props.children}
    </dl>
  );
}
