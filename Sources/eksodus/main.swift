import EksodusCore

EksodusCommand.main()
