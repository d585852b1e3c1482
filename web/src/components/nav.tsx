"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { ConnectButton } from "./wallet.tsx";

export const NAV_LINKS = [
  { href: "/", label: "Overview" },
  { href: "/submit", label: "Submit" },
  { href: "/tasks", label: "My tasks" },
  { href: "/tasks/all", label: "All tasks" },
  { href: "/providers", label: "Providers" },
  { href: "/stake", label: "Stake & provide" },
  { href: "/rewards", label: "Rewards" },
  { href: "/governance", label: "Governance" },
  { href: "/models", label: "Models" },
  { href: "/farm", label: "My farm" },
] as const;

/** The link of the current page: the longest whose path is the page's or a parent of it ("/tasks/all" over "/tasks"). */
export function activeLink(pathname: string): string | undefined {
  let best: string | undefined;
  for (const { href } of NAV_LINKS) {
    const match = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
    if (match && (best === undefined || href.length > best.length)) best = href;
  }
  return best;
}

/** Site header: brand, page links (collapsible on small screens) and the wallet button. */
export function Nav() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link href="/" className="brand">
          EAI
        </Link>
        <button
          type="button"
          className="btn btn-secondary menu-toggle"
          aria-expanded={open}
          aria-controls="site-nav"
          onClick={() => setOpen((v) => !v)}
        >
          Menu
        </button>
        <nav id="site-nav" aria-label="Main" className={open ? "nav nav-open" : "nav"}>
          <ul>
            {NAV_LINKS.map((link) => {
              const active = activeLink(pathname) === link.href;
              return (
                <li key={link.href}>
                  <Link
                    href={link.href}
                    aria-current={active ? "page" : undefined}
                    onClick={() => setOpen(false)}
                  >
                    {link.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <ConnectButton />
      </div>
    </header>
  );
}
