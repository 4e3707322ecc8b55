/* The program of the course's hello-world image: prints, in French, what Docker just did. */
#include <unistd.h>

static const char message[] =
    "Bonjour depuis Docker !\n"
    "Ce message montre que votre installation de Docker fonctionne correctement.\n"
    "\n"
    "Pour produire ce message, Docker a suivi les étapes suivantes :\n"
    " 1. Le client Docker a contacté le démon Docker.\n"
    " 2. Le démon Docker a téléchargé l'image « hello-world » depuis un registre\n"
    "    (ici, le registre du cours, qui remplace le Docker Hub).\n"
    " 3. Le démon Docker a créé un nouveau conteneur à partir de cette image ;\n"
    "    ce conteneur exécute le programme qui produit le texte que vous lisez.\n"
    " 4. Le démon Docker a transmis cette sortie au client Docker,\n"
    "    qui l'a envoyée à votre terminal.\n"
    "\n"
    "Pour aller plus loin, lancez un conteneur Debian interactif :\n"
    " $ docker run -it debian:bookworm bash\n"
    "\n"
    "Puis regardez vos images et vos conteneurs :\n"
    " $ docker images\n"
    " $ docker ps -a\n"
    "\n";

int main(void) {
  const char *p = message;
  size_t left = sizeof message - 1;
  while (left > 0) {
    ssize_t n = write(STDOUT_FILENO, p, left);
    if (n <= 0) return 1;
    p += n;
    left -= (size_t)n;
  }
  return 0;
}
