"use client";
/** The governance forms, proposal list and their transaction code, loaded after the first paint. */
import dynamic from "next/dynamic";
import { LazyLoading } from "@/components/lazy-loading.tsx";

export const Governance = dynamic(() => import("./governance-client.tsx").then((m) => m.Governance), {
  ssr: false,
  loading: () => <LazyLoading what="delegation, proposals and the proposal form" minHeight="48rem" />,
});
