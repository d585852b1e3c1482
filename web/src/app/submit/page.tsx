import type { Metadata } from "next";
import { SubmitTask } from "./lazy.tsx";

export const metadata: Metadata = { title: "Submit a task" };

export default function SubmitPage() {
  return (
    <>
      <h1>Submit a task</h1>
      <p className="muted">
        Pick a model, give it an input, set the reward and terms, and pay. The task is then followed live and
        its result verified in your browser.
      </p>
      <SubmitTask />
    </>
  );
}
