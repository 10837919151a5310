"""The command line: thin Typer commands calling the same services as the web app."""
