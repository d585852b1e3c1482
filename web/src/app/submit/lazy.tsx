"use client";
/** The submit form and its transaction code, loaded after the first paint (first-load JS budget). */
import dynamic from "next/dynamic";
import { LazyLoading } from "@/components/lazy-loading.tsx";

export const SubmitTask = dynamic(() => import("./submit-task.tsx").then((m) => m.SubmitTask), {
  ssr: false,
  loading: () => <LazyLoading what="the task form" minHeight="48rem" />,
});
