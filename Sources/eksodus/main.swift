import EksodusCore

EksodusCommand.mainPrintingOneLineErrors()
