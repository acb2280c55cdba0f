"""Detection: mentions scored against the crisis taxonomy, anomaly windows, the detector, its
evidence and the severity it grades; imports listening and the kernel."""
