"""The composition layer: settings, the runtime assembled from them, and the live library being served.

Below it, the stages take explicit arguments; above it, the HTTP API, the evaluation and the CLI build
what they run from here.
"""
