"use client";
/**
 * The task's input beside its verified output: fetched through the app's `/api/blobs` proxy, checked against its
 * content address (sha256), and shown decoded (`lib/task-input.ts`, loaded on first use): the digit the requester
 * drew as a 7 × 7 grid, tensors or text as a preview, other bytes in hex.
 */
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { blobDownloadPath } from "@/lib/blob-uri.ts";
import type { KnownModel } from "@/lib/model-names.ts";
import type { DecodedInput } from "@/lib/task-input.ts";
import { PixelGrid } from "./pixel-grid.tsx";
import styles from "./task-live.module.css";

const BLOB_SHA = /^eai:\/\/blob\/sha256-([0-9a-f]{64})$/;

/** Reads and decodes a task's input blob (once per URI: content-addressed blobs never change). */
export function useTaskInput(
  inputUri: string | undefined,
  format: KnownModel["input"] | undefined,
  modelKind: string | undefined,
) {
  return useQuery({
    queryKey: ["blob", "task-input", inputUri, format, modelKind],
    enabled: inputUri !== undefined && BLOB_SHA.test(inputUri),
    staleTime: Infinity,
    refetchInterval: false,
    retry: 1,
    queryFn: async (): Promise<DecodedInput> => {
      const sha = BLOB_SHA.exec(inputUri ?? "")?.[1] ?? "";
      const res = await fetch(`/api/blobs/${sha}`);
      if (!res.ok) throw new Error(`the blob store answered HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const { decodeTaskInput, sha256Hex } = await import("@/lib/task-input.ts");
      const actual = await sha256Hex(bytes);
      if (actual !== sha) throw new Error(`the blob's sha256 is ${actual}, not the ${sha} its address names`);
      return decodeTaskInput(bytes, format, modelKind);
    },
  });
}

export interface TaskInputViewProps {
  inputUri: string | undefined;
  decoded: DecodedInput | undefined;
  error?: Error | null;
}

/** What the input box shows (`data-testid="task-input"`). */
export function TaskInputView({ inputUri, decoded, error }: TaskInputViewProps) {
  const captionId = useId();
  const path = inputUri ? blobDownloadPath(inputUri) : null;
  let body;
  if (inputUri === undefined) body = <p className="muted">Loading the task…</p>;
  else if (path === null)
    body = (
      <p className="muted">
        The input is stored outside this app&apos;s blob store (<span className="mono">{inputUri}</span>).
      </p>
    );
  else if (error) body = <p className="error">Could not read the input: {error.message}</p>;
  else if (!decoded) body = <p className="muted">Reading the input…</p>;
  else if (decoded.kind === "digit") {
    body = (
      <>
        <p>The digit the requester drew, as the model reads it:</p>
        <PixelGrid
          pixels={decoded.pixels}
          caption="Input digit: 7 × 7 pixels, values 0–15"
          captionId={captionId}
        />
        <p className="hint">
          {decoded.salt === 0n
            ? "Committed without a salt."
            : "Committed with a salt (the input commitment is Poseidon of the pixels and the salt)."}
        </p>
      </>
    );
  } else if (decoded.kind === "text") {
    body = (
      <pre className={styles.preview} aria-label="Input preview">
        {decoded.text}
      </pre>
    );
  } else if (decoded.kind === "binary") {
    body = (
      <>
        <p className="muted">Binary input; the first bytes in hex:</p>
        <pre className={styles.preview} aria-label="Input bytes (hex)">
          {decoded.hex}
        </pre>
      </>
    );
  } else {
    body = (
      <p className="error">
        The input is not a readable digits input: {decoded.reason}. (An encrypted input cannot be shown here.)
      </p>
    );
  }
  return (
    <div className={styles.input} data-testid="task-input">
      {body}
      {path && decoded && (
        <p className="hint">
          {decoded.bytes} bytes, checked against its content address.{" "}
          <a href={path} download="task-input">
            Download input
          </a>
        </p>
      )}
    </div>
  );
}

/** The input box of a task, read from its URI. */
export function TaskInput({
  inputUri,
  modelKind,
  format,
}: {
  inputUri: string | undefined;
  modelKind: string | undefined;
  format: KnownModel["input"] | undefined;
}) {
  const input = useTaskInput(inputUri, format, modelKind);
  return <TaskInputView inputUri={inputUri} decoded={input.data} error={input.error} />;
}
