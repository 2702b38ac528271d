"""Local runs: the deployed state machine and handlers on an in-process AWS emulation."""
