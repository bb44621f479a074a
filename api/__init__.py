"""The HTTP service over the live library (service/): routes, request schemas, errors, limits, access."""
