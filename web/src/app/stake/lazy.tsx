"use client";
/** The stake page's forms and their transaction code, loaded after the first paint (first-load JS budget). */
import dynamic from "next/dynamic";
import { LazyLoading } from "@/components/lazy-loading.tsx";

export const StakeAndProvide = dynamic(() => import("./stake-panels.tsx").then((m) => m.StakeAndProvide), {
  ssr: false,
  loading: () => <LazyLoading what="the staking forms" minHeight="60rem" />,
});
