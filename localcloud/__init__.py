"""The local cloud: moto 5.2.1 run in-process and extended where deployments depend on AWS.

See localcloud/README.md for what it adds and the control endpoint.
"""
