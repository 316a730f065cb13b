"""Developer tooling: embedded services, the `make run` supervisor and the `make test` runner.

Nothing here is imported by the application; production runs from docker-compose.yml.
"""
