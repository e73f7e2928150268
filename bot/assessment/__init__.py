"""The Customer Service Quotient self-assessment: questions, scoring, the DM flow, charts."""
