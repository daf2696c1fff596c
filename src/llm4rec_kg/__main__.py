from llm4rec_kg.cli import run

run()
