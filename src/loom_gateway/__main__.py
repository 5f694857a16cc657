from loom_gateway.cli import main

main()
