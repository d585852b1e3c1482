import Link from "next/link";

/**
 * A model as the tables show it: its name (when known) and its id, kept on one line ("mnist-mlp #1"), linking to
 * the models page when `link`.
 */
export function ModelLabel({ id, name, link = false }: { id: string; name?: string; link?: boolean }) {
  const text = (
    <span className="nowrap">
      {name ?? `Model ${id}`}
      {name !== undefined && <span className="muted"> #{id}</span>}
    </span>
  );
  return link ? <Link href="/models">{text}</Link> : text;
}
