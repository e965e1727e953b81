import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Payment, Refund } from "../api/types.js";
import { useConsole } from "../context.js";
import { currencyDecimals, formatAmount } from "../format.js";
import { ErrorBox } from "../ui/widgets.js";

const newRefundNumber = () => `R-${Date.now().toString(36).toUpperCase()}`;

/**
 * A full or partial refund of a succeeded payment, through the intake. The refundable amount is
 * the API's; what the API refuses (an amount over it, a payment that is not refundable, a bad
 * field) is shown as the API says it.
 */
export function RefundForm({ payment, onRefunded }: { payment: Payment; onRefunded: (refund: Refund) => void }): JSX.Element {
  const { api } = useConsole();
  const refundable = payment.refundableAmount ?? "0";
  const [amount, setAmount] = useState(refundable);
  const [refundNumber, setRefundNumber] = useState(newRefundNumber);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<Refund>();
  const [busy, setBusy] = useState(false);
  const decimals = currencyDecimals(payment.currency);
  // What is left after a refund (or another operator's) becomes the next default.
  useEffect(() => setAmount(refundable), [refundable]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const refund = await api.call<Refund>("intake", `/v1/payments/${encodeURIComponent(payment.orderNumber)}/refunds`, {
        method: "POST",
        query: { storeId: payment.storeId },
        body: { refundNumber, amount: amount.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      setDone(refund);
      setRefundNumber(newRefundNumber());
      onRefunded(refund);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="refund-heading" class="card">
      <h2 id="refund-heading">Refund</h2>
      <p>
        Refundable now: <strong data-testid="refundable">{formatAmount(refundable, payment.currency)}</strong>
      </p>
      <form onSubmit={(e) => void submit(e)} class="stack">
        <div>
          <label for="refund-amount">Amount ({payment.currency}, {decimals === 0 ? "whole units" : `up to ${decimals} decimals`})</label>
          <div class="inline">
            <input id="refund-amount" inputMode="decimal" autoComplete="off" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
            <button type="button" class="secondary" onClick={() => setAmount(refundable)}>
              Full amount
            </button>
          </div>
        </div>
        <div>
          <label for="refund-number">Refund number</label>
          <input id="refund-number" required value={refundNumber} onInput={(e) => setRefundNumber(e.currentTarget.value)} />
        </div>
        <div>
          <label for="refund-reason">Reason (optional)</label>
          <input id="refund-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Refunding…" : "Refund"}
        </button>
      </form>
      {done && (
        <p role="status" class="ok">
          Refund {done.refundNumber} of {formatAmount(done.amount, done.currency)} accepted; its status follows below.
        </p>
      )}
      <ErrorBox error={error} />
    </section>
  );
}
