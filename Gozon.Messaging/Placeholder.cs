namespace Gozon.Messaging;
