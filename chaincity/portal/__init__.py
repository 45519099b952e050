"""The city portal (`chaincity portal`): pages for citizens, procurement clerks and bank
officers over the chain (app, reads, dashboard) and a bank's counter (counter)."""
