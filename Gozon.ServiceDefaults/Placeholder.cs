namespace Gozon.ServiceDefaults;
