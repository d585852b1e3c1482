"use client";
/** The task's live status, verification, settlement and cancel code, loaded after the first paint. */
import dynamic from "next/dynamic";
import { LazyLoading } from "@/components/lazy-loading.tsx";

export const TaskDetail = dynamic(() => import("./task-detail.tsx").then((m) => m.TaskDetail), {
  ssr: false,
  loading: () => <LazyLoading what="the task" minHeight="40rem" />,
});
