#!/usr/bin/env python
from unstuck.cli import main

if __name__ == "__main__":
    main()
