"""Response: the incident and its lifecycle, the escalation policy and crisis plan, notices, action
links, statements, checklist and audit; imports detection, listening and the kernel."""
