"""The build (make data): source steps, derivations, projections written to the store, data diff. Imports core,
sources, storage and models; nothing imports it but the shim indicators.pipeline.
"""
