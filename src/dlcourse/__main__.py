from dlcourse.cli import main

main()
