"""Reconciliation with BPJS Kesehatan (JKN): pure Ibis, no I/O.

- :mod:`.people` — person level for one period: JKN members matched to the registry (NIK
  join first, the probabilistic matcher for people without a usable NIK) and each one's
  case: PDS_TK (a wage earner BPJamsostek lacks), PDS_UPAH (wage under-reported), PTD (a
  worker of an employer BPJamsostek does not know), BPU_LEAD (an informal worker not covered).
- :mod:`.employers` — employers linked across the two systems (NPWP, then normalised name
  and regency, then where their workers are registered), with per employer the workers in
  each system, the missing ones, the wage gap and the uncollected contribution, ranked.
- :mod:`.contribution` — the contribution rules as a rate table applied in the engine.
"""
