"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { ConnectButton } from "./wallet.tsx";

export const NAV_LINKS = [
  { href: "/", label: "Overview" },
  { href: "/submit", label: "Submit" },
  { href: "/tasks", label: "My tasks" },
  { href: "/providers", label: "Providers" },
  { href: "/stake", label: "Stake & provide" },
  { href: "/rewards", label: "Rewards" },
  { href: "/governance", label: "Governance" },
  { href: "/models", label: "Models" },
  { href: "/farm", label: "My farm" },
] as const;

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
              const active = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
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
