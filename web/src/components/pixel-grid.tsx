import styles from "./digit-pad.module.css";

/** A 7 × 7 grid of quantised pixels (0–15) as a captioned table, each cell shaded by its value. */
export function PixelGrid({
  pixels,
  caption,
  captionId,
}: {
  pixels: readonly number[];
  caption: string;
  captionId?: string;
}) {
  return (
    <table className={styles.grid} aria-describedby={captionId}>
      <caption id={captionId}>{caption}</caption>
      <tbody>
        {Array.from({ length: 7 }, (_, r) => (
          <tr key={r}>
            {pixels.slice(r * 7, r * 7 + 7).map((v, c) => (
              <td
                key={c}
                className={styles.cell}
                style={{
                  backgroundColor: `rgb(${v * 17} ${v * 17} ${v * 17})`,
                  color: v > 7 ? "#000" : "#fff",
                }}
              >
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
