export default function OverviewPage() {
  return (
    <>
      <h1>Network overview</h1>
      <p className="muted">Figures load from the indexer.</p>
    </>
  );
}
