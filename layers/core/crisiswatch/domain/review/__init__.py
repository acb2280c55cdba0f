"""Review: after the crisis, the merged timeline and the post-crisis report; imports response,
detection, listening and the kernel."""
