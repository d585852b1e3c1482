"use client";
/** A proposal's state, votes and vote / queue / execute buttons, loaded after the first paint. */
import dynamic from "next/dynamic";
import { LazyLoading } from "@/components/lazy-loading.tsx";

export const ProposalDetail = dynamic(() => import("./proposal-detail.tsx").then((m) => m.ProposalDetail), {
  ssr: false,
  loading: () => <LazyLoading what="the proposal" minHeight="32rem" />,
});
