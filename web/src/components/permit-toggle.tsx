"use client";
import { useId } from "react";
import { PERMIT_VALIDITY_SECONDS } from "@/lib/permit.ts";
import styles from "./permit-toggle.module.css";

/**
 * "Pay with a permit signature": the choice between an EIP-2612 permit (one transaction) and approve + call, with a
 * hint saying what each means for this form. `amount` names what is paid ("the reward", "the stake"), `spender` whose
 * allowance an approve raises ("market", "vault") and `action` the transaction that pays ("the submission").
 */
export function PermitToggle({
  checked,
  onChange,
  amount,
  spender,
  action,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  amount: string;
  spender: string;
  action: string;
}) {
  const id = useId();
  const hours = PERMIT_VALIDITY_SECONDS / 3600;
  return (
    <>
      <div className={styles.checkbox}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={`${id}-hint`}
        />
        <label htmlFor={id}>Pay with a permit signature (no approve transaction)</label>
      </div>
      <p id={`${id}-hint`} className="hint">
        {checked
          ? `You sign an EIP-2612 permit for exactly ${amount} (valid ${hours} hour${hours === 1 ? "" : "s"}); ${action} uses it. One transaction.`
          : `An approve transaction for exactly ${amount} comes first when the ${spender}'s allowance is short, then ${action}.`}
      </p>
    </>
  );
}
