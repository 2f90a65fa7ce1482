from nassb.cli import main

main()
