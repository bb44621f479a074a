"""Quantitative targets of the plans (指标): extraction into Indicator records, built with the index."""
