from llm4rec_kg.cli import main

main()
