import type { Metadata } from "next";
import Link from "next/link";
import { filtersFromSearch } from "@/lib/all-tasks.ts";
import { AllTasks } from "./all-tasks.tsx";

export const metadata: Metadata = { title: "All tasks" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Every task of the network, filtered by the URL's search parameters, newest first. */
export default async function AllTasksPage({ searchParams }: Props) {
  const { filters, errors } = filtersFromSearch(await searchParams);
  return (
    <>
      <h1>All tasks</h1>
      <p className="muted">
        Every task of the network, newest first, from the indexer. Filter by status, mode, model, requester or
        provider; the filters are part of the address, so a filtered list can be shared.{" "}
        <Link href="/tasks/optimistic">OPTIMISTIC tasks</Link> are listed apart.
      </p>
      <AllTasks initialFilters={filters} initialErrors={errors} />
    </>
  );
}
