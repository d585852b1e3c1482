/**
 * What a page shows where its forms and live parts load after the first paint (`next/dynamic` with `ssr: false`
 * in each route's `lazy.tsx`): a status line in a box of about the loaded height, so the page does not jump.
 */
export function LazyLoading({ what, minHeight = "24rem" }: { what: string; minHeight?: string }) {
  return (
    <div style={{ minHeight }}>
      <p className="muted" role="status">
        Loading {what}…
      </p>
    </div>
  );
}
