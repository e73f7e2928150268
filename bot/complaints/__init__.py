"""The complaint log: schemas, service, forms, views and handlers."""
