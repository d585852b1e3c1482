import styles from "./providers.module.css";

/** A provider's standing in one word: banned, suspended, inactive, unregistered or active. */
export function standingOf(p: {
  registered: boolean;
  active: boolean;
  reputation: { suspended: boolean; banned: boolean };
}): "Banned" | "Suspended" | "Not registered" | "Inactive" | "Active" {
  if (p.reputation.banned) return "Banned";
  if (p.reputation.suspended) return "Suspended";
  if (!p.registered) return "Not registered";
  return p.active ? "Active" : "Inactive";
}

/** The standing as a small badge (text, not colour alone). */
export function StandingBadge({ standing }: { standing: ReturnType<typeof standingOf> }) {
  const tone =
    standing === "Active" ? styles.good : standing === "Banned" || standing === "Suspended" ? styles.bad : "";
  return <span className={`${styles.badge} ${tone}`}>{standing}</span>;
}
