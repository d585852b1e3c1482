import { describe, expect, it } from "vitest";
import { NAV_LINKS, activeLink } from "./nav.tsx";

describe("activeLink", () => {
  it("marks the most specific link of the page", () => {
    expect(NAV_LINKS.map((l) => l.href)).toContain("/tasks/all");
    expect(activeLink("/")).toBe("/");
    expect(activeLink("/tasks")).toBe("/tasks");
    expect(activeLink("/tasks/12")).toBe("/tasks");
    expect(activeLink("/tasks/all")).toBe("/tasks/all");
    expect(activeLink("/governance/123")).toBe("/governance");
    // A page whose path merely starts with a link's text is not under it.
    expect(activeLink("/tasksx")).toBeUndefined();
  });
});
